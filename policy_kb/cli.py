"""``python -m policy_kb evaluate case.json`` (the decision explained in Chinese), ``check``, ``audit``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml
from pydantic import ValidationError

from policy_kb.engine import evaluate
from policy_kb.explain import explain
from policy_kb.regions import UnknownRegionError
from policy_kb.rulebase import RuleBaseError, load_rule_base
from policy_kb.schemas import EligibilityRequest, request_field_errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policy_kb", description="失业保险金资格判断")
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("evaluate", help="判断一个案例（JSON 或 YAML 文件，- 为标准输入）")
    ev.add_argument("case", help="案例文件，内容同 POST /v1/eligibility/evaluate 的请求")
    ev.add_argument("--json", action="store_true", help="输出完整 JSON 结果")
    sub.add_parser("check", help="校验规则库并打印版本")
    sub.add_parser("audit", help="审核规则库与问答库的每条引用：逐字见于原文、只引用本地区与国家的文件")
    args = parser.parse_args(argv)
    if args.command == "audit":
        from policy_kb.audit import run

        return run()
    try:
        rules = load_rule_base()
    except RuleBaseError as exc:
        print(f"规则库有误：{exc}", file=sys.stderr)
        return 2
    if args.command == "check":
        print(f"规则库校验通过，版本 {rules.version}，地区：{'、'.join(rules.region_codes)}")
        return 0
    text = sys.stdin.read() if args.case == "-" else Path(args.case).read_text(encoding="utf-8")
    try:
        raw = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
        request = EligibilityRequest.model_validate(raw.get("request", raw) if isinstance(raw, dict) else raw)
    except (ValueError, yaml.YAMLError) as exc:
        errors = exc.errors() if isinstance(exc, ValidationError) else str(exc)
        print(f"案例格式有误：{errors}", file=sys.stderr)
        return 2
    field_errors = request_field_errors(request)
    if field_errors:
        for field, message in field_errors.items():
            print(f"{field}：{message}", file=sys.stderr)
        return 2
    try:
        decision = evaluate(rules, request)
    except UnknownRegionError as exc:
        print(f"region：{exc.message_zh}", file=sys.stderr)
        return 2
    if args.json:
        print(decision.model_dump_json(indent=2))
    else:
        print(explain(decision))
    return 0
