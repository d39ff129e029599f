"""Print the figures of `rasa test nlu --cross-validation` (its intent_report.json) in a few lines.

.venv-bot/bin/python bench/nlu_cv_summary.py var/nlu-cv
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> int:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "var/nlu-cv")
    report = json.loads((folder / "intent_report.json").read_text(encoding="utf-8"))
    weighted = report["weighted avg"]
    print(
        f"NLU cross-validation (test folds, {weighted['support']} examples): accuracy {report['accuracy']:.3f}, "
        f"weighted F1 {weighted['f1-score']:.3f}, macro F1 {report['macro avg']['f1-score']:.3f}"
    )
    intents = {k: v for k, v in report.items() if isinstance(v, dict) and "confused_with" in v}
    weakest = sorted(intents.items(), key=lambda item: item[1]["f1-score"])[:4]
    print("weakest intents: " + ", ".join(f"{name} F1 {v['f1-score']:.2f}" for name, v in weakest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
