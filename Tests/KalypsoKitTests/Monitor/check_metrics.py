"""Parses a Prometheus text-format file with prometheus_client's parser (what a scrape would accept) and prints
{"families": {name: {"type": T, "help": H, "samples": [[sample name, labels, value], ...]}}}; exits 1 with the
parser's message if the file does not parse. Usage: check_metrics.py PATH"""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families


def main() -> int:
    text = open(sys.argv[1], encoding="utf-8").read()
    if not text.endswith("\n"):
        print("the file does not end with a newline", file=sys.stderr)
        return 1
    try:
        families = {}
        for f in text_string_to_metric_families(text):
            families[f.name] = {
                "type": f.type, "help": f.documentation,
                "samples": [[s.name, s.labels, None if math.isnan(s.value) else s.value] for s in f.samples]}
    except Exception as exc:  # the parser's ValueError (or worse): the file is not valid text format
        print(f"not valid Prometheus text format: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps({"families": families}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
