"""The batch's progress: a tqdm bar on a terminal, plain lines elsewhere (CI, logs).

Both show the count done, the failures so far (intake refused or engine error) and an ETA.
"""

import sys
import time


class Progress:
    def __init__(self, total, *, kept=0, stream=None):
        self.total, self.done, self.failures = total, 0, 0
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.bar = None
        if kept:
            print(f"{kept} results up to date (kept); grading {total}", file=self.stream, flush=True)
        if total and getattr(self.stream, "isatty", lambda: False)():
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=self.stream, unit="sub", dynamic_ncols=True, desc="grading")

    def update(self, student, status, score):
        self.done += 1
        self.failures += status != "graded"
        if self.bar is not None:
            self.bar.set_postfix_str(f"failures {self.failures}", refresh=False)
            self.bar.update(1)
            return
        elapsed = time.monotonic() - self.started
        eta = elapsed / self.done * (self.total - self.done)
        shown = f"{score:g}" if isinstance(score, (int, float)) else "-"
        print(f"[{self.done}/{self.total}] {student}: {status}, score {shown}; failures {self.failures}; "
              f"ETA {_clock(eta)}", file=self.stream, flush=True)

    def close(self):
        if self.bar is not None:
            self.bar.close()


def _clock(seconds):
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else \
        f"{seconds // 60}:{seconds % 60:02d}"
