// The console's only script: suggested replies (POST /v1/operator/suggestions) and copy buttons.
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
})();
