"""The contract scripts' one assertion: `check(got, want, what)` raises on the
first mismatch; `passed()` is how many held."""

_passed = 0


def check(got, want, what):
    global _passed
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")
    _passed += 1


def passed():
    return _passed
