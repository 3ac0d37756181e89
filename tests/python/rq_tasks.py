"""Tasks for rq_contract.py (RQ imports them by module path)."""


def add(x, y):
    return x + y


def fail():
    raise ValueError("boom")
