"""The statuses each operation of contracts/openapi may answer, so the load can tell an answer the
contract doesn't allow from one it does, and a script that expects an undocumented status fails at
once instead of hiding a drift between the load and the API."""

import pathlib

import yaml

CONTRACTS = pathlib.Path(__file__).resolve().parent.parent / "contracts" / "openapi"
METHODS = ("get", "post", "put", "patch", "delete")


def load(directory: pathlib.Path = CONTRACTS) -> dict[str, frozenset[int]]:
    """`"<METHOD> <path template>"` (the request names the load reports under) → documented statuses."""
    documented: dict[str, frozenset[int]] = {}
    for spec in sorted(directory.glob("*.yaml")):
        doc = yaml.safe_load(spec.read_text(encoding="utf-8"))
        for path, item in doc["paths"].items():
            for method in METHODS:
                if method in item:
                    codes = item[method].get("responses", {})
                    documented[f"{method.upper()} {path}"] = frozenset(int(c) for c in codes if str(c).isdigit())
    if not documented:
        raise RuntimeError(f"no OpenAPI operations found under {directory}")
    return documented
