"""A tiny test harness: named checks, a failure list, and the closing
'N passed, N failed' line that CI reads."""

import sys
import traceback


class Harness:
    """Runs checks and counts them; a check is any callable that raises on failure."""

    def __init__(self) -> None:
        self.passed = 0
        self.failed: list[str] = []

    def check(self, name: str, fn, *args) -> bool:
        try:
            fn(*args)
        except Exception as error:  # every failure is reported, none stops the run
            self.failed.append(name)
            detail = str(error) if isinstance(error, AssertionError) else traceback.format_exc()
            print(f"FAIL {name}: {detail}".rstrip())
            return False
        self.passed += 1
        return True

    def summary(self, label: str) -> int:
        for name in self.failed:
            print(f"failed: {name}")
        print(f"{label}: {self.passed} passed, {len(self.failed)} failed")
        return 0 if not self.failed else 1


def expect(condition: bool, message: str) -> None:
    """assert that survives python -O."""
    if not condition:
        raise AssertionError(message)


def log(message: str) -> None:
    print(message, flush=True)
    sys.stdout.flush()
