// The console's only script: suggested replies (POST /v1/operator/suggestions), copy buttons,
// the new-ticket alert and the queue's auto-refresh.
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function copy(text, button) {
    function done() { button.textContent = "已复制"; setTimeout(function () { button.textContent = "复制"; }, 1500); }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else { fallback(); }
    function fallback() {
      var area = el("textarea"); area.value = text; document.body.appendChild(area);
      area.select(); try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
      document.body.removeChild(area); done();
    }
  }

  function citation(c) {
    var parts = [c.document, c.clause].filter(Boolean).join(" ");
    return c.quote ? parts + "：“" + c.quote + "”" : parts;
  }

  // The card shows what an operator needs to check before reading out: which question it
  // answers and on what it rests. No internal scores or entry ids.
  function render(box, body) {
    box.innerHTML = "";
    var list = (body && body.suggestions) || [];
    if (!list.length) {
      box.appendChild(el("p", { "class": "muted" }, (body && body.note) ||
        "没有找到合适的话术，请转相关业务科室或受理为工单。"));
      return;
    }
    list.forEach(function (s, i) {
      var card = el("div", { "class": "suggestion", "data-rank": String(i + 1) });
      if (s.title) { card.appendChild(el("div", { "class": "meta" }, "所答问题：" + s.title)); }
      var reply = el("p", { "class": "reply" }, s.reply);
      var button = el("button", { "type": "button", "class": "copy" }, "复制");
      button.addEventListener("click", function () { copy(s.reply, button); });
      card.appendChild(reply); card.appendChild(button);
      var cites = (s.source || {}).citations || [];
      if (cites.length) {
        card.appendChild(el("div", { "class": "meta" }, "政策依据"));
        var ul = el("ul", { "class": "cites" });
        cites.forEach(function (c) { ul.appendChild(el("li", {}, citation(c))); });
        card.appendChild(ul);
      }
      box.appendChild(card);
    });
  }

  // The JSON API takes a cookie-authenticated change only with the session's token (api/staff/sessions.py).
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf"]');
    return meta ? meta.getAttribute("content") : "";
  }

  var form = document.getElementById("suggest-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var box = document.getElementById("suggestions");
      var data = new FormData(form);
      var payload = { text: String(data.get("text") || "").trim() };
      if (data.get("region")) { payload.region = String(data.get("region")); }
      if (data.get("claim_id")) { payload.claim_id = Number(data.get("claim_id")); }
      box.innerHTML = ""; box.appendChild(el("p", { "class": "muted" }, "正在查找…"));
      fetch(form.getAttribute("data-endpoint"), {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() }, body: JSON.stringify(payload)
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          var missing = response.status === 404 && (!body.error || body.error.code === "http_404");
          if (missing) { throw new Error("话术建议服务暂不可用，请稍后再试。"); }
          if (!response.ok) { throw new Error((body.error && body.error.message) || "查询失败，请稍后再试。"); }
          render(box, body);
        });
      }).catch(function (error) {
        box.innerHTML = ""; box.appendChild(el("div", { "class": "flash error" }, error.message));
      });
    });
  }

  // New-ticket alert: every page of a role that sees the queue polls /console/queue.json. Tickets
  // newer than the last one seen on the queue page (kept for this browser tab) light a badge on the
  // 工单队列 link and put the count in the tab's title, so an operator on another page or tab notices.
  var poll = document.querySelector('meta[name="queue-poll"]');
  var card = document.getElementById("queue-card");
  var title = document.title;
  var SEEN = "queue-seen";
  if (card) { sessionStorage.setItem(SEEN, card.getAttribute("data-latest")); }

  function seen() { return Number(sessionStorage.getItem(SEEN) || 0); }

  function alertNew(count) {
    var badge = document.getElementById("new-badge");
    if (badge) {
      badge.hidden = count === 0;
      badge.textContent = String(count);
      badge.setAttribute("title", count + " 件新工单待签收");
    }
    document.title = count ? "（" + count + "）新工单 · " + title : title;
  }

  // The queue redraws itself from the same address (its filters kept): rows newer than the last
  // one seen are marked, and nothing is lost from a half-filled filter form.
  function redrawQueue() {
    return fetch(location.href, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok || response.redirected) { throw new Error("queue"); }
      return response.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html");
      var body = fresh.querySelector("#queue tbody"), total = fresh.getElementById("queue-total");
      if (!body) { return; }
      document.querySelector("#queue tbody").replaceWith(body);
      if (total) { document.getElementById("queue-total").replaceWith(total); }
      body.querySelectorAll("tr[data-id]").forEach(function (row) {
        if (Number(row.getAttribute("data-id")) > seen()) { row.classList.add("new"); }
      });
      // Beijing time, as every time the server renders, whatever the workstation's clock zone.
      var stamp = new Date().toLocaleTimeString("zh-CN", { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", hour12: false });
      document.getElementById("queue-refreshed").textContent = "已于 " + stamp + " 刷新";
    });
  }

  function check() {
    var since = seen();
    fetch(poll.getAttribute("content") + "?since=" + since, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok || response.redirected) { throw new Error("poll"); }
        return response.json();
      }).then(function (body) {
        if (!since) { sessionStorage.setItem(SEEN, String(body.latest_id)); body["new"] = 0; }
        alertNew(body["new"]);
        if (card) { return redrawQueue(); }
      }).catch(function () {
        // Logged out or the server unreachable: say so once instead of polling on.
        var note = document.getElementById("queue-refreshed");
        if (note) { note.textContent = "自动刷新已停止，请刷新页面"; }
        clearInterval(timer);
      });
  }

  var timer = null;
  if (poll) {
    timer = setInterval(check, Number(poll.getAttribute("data-seconds")) * 1000);
  }
})();
