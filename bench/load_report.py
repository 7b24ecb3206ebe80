"""What a load scenario measured, summarised for a person (``text``) and for a file
(``as_json``)."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import asdict, dataclass, field

from bench.load_client import SessionOutcome


@dataclass
class ScenarioResult:
    name: str
    setup: str                         # what ran, in words
    sessions: list[SessionOutcome]
    value_s: float                     # the figure the target talks about
    value_name: str
    reference: str
    reference_s: float
    ratio: float                       # higher is better, as in bench.harness.Figure
    target: str
    passed: bool
    peak_rss_mb: float = 0.0
    peak_pss_mb: float = 0.0
    peak_processes: int = 0
    client_cpu_s: float = 0.0          # this process's CPU time: the students' side of the box
    server_log_problems: list[str] = field(default_factory=list)
    served_by: dict[str, int] = field(default_factory=dict)   # behind nginx: replica: sessions
    notes: dict[str, float | str] = field(default_factory=dict)

    @property
    def finish_times(self) -> list[float]:
        return [s.seconds for s in self.sessions if s.seconds is not None]

    @property
    def median_s(self) -> float:
        return statistics.median(self.finish_times) if self.finish_times else float("nan")

    @property
    def max_s(self) -> float:
        return max(self.finish_times) if self.finish_times else float("nan")

    @property
    def unfinished(self) -> int:
        return sum(s.finished_s is None for s in self.sessions)

    @property
    def errors(self) -> Counter[str]:
        """Each distinct message, with the number of sessions that saw it."""
        return Counter(text for s in self.sessions for text in s.errors)

    def by_preset(self) -> dict[str, tuple[int, int, float, float, float]]:
        """{preset: (sessions, sessions whose page was drawn at least once, median first
        paint, median finish, max finish)}, seconds."""
        rows = {}
        for preset in dict.fromkeys(s.visit.preset for s in self.sessions):
            mine = [s for s in self.sessions if s.visit.preset == preset]
            done = [s.seconds for s in mine if s.seconds is not None] or [float("nan")]
            paint = [s.first_paint_s - s.opened_s for s in mine
                     if s.first_paint_s is not None] or [float("nan")]
            drawn = sum(s.first_paint_s is not None for s in mine)
            rows[preset] = (len(mine), drawn, statistics.median(paint),
                            statistics.median(done), max(done))
        return rows

    def as_json(self) -> dict:
        return {
            "setup": self.setup, "sessions": len(self.sessions), "unfinished": self.unfinished,
            "median_s": self.median_s, "max_s": self.max_s,
            self.value_name: self.value_s, "reference": self.reference,
            "reference_s": self.reference_s, "ratio": self.ratio, "target": self.target,
            "passed": self.passed, "errors": sum(self.errors.values()),
            "error_messages": dict(self.errors), "peak_rss_mb": self.peak_rss_mb,
            "peak_pss_mb": self.peak_pss_mb, "peak_processes": self.peak_processes,
            "client_cpu_s": self.client_cpu_s, "server_log_problems": self.server_log_problems,
            "sessions_per_replica": self.served_by,
            "notes": self.notes,
            "per_session": [{**asdict(s), "seconds": s.seconds} for s in self.sessions],
        }

    def text(self) -> str:
        errors = self.errors
        lines = [
            f"{self.name}: {self.setup}",
            f"  finished {len(self.sessions) - self.unfinished}/{len(self.sessions)} sessions; "
            f"completion median {self.median_s:.1f} s, max {self.max_s:.1f} s",
            f"  {self.value_name} {self.value_s:.1f} s; reference: {self.reference} "
            f"{self.reference_s:.1f} s; ratio {self.ratio:.2f}x (higher is better); "
            f"target {self.target}: {'met' if self.passed else 'NOT met'}",
            f"  errors: {sum(errors.values())}"
            + "".join(f"\n    {n} session(s): {text}" for text, n in errors.most_common()),
            f"  server memory peak: {self.peak_rss_mb:.0f} MB RSS summed over up to "
            f"{self.peak_processes} process(es) (PSS {self.peak_pss_mb:.0f} MB); load "
            f"client CPU {self.client_cpu_s:.1f} s",
        ]
        if self.served_by:
            lines.append("  through nginx, sessions per replica (its access log): " + ", ".join(
                f"{replica} {n}" for replica, n in self.served_by.items()))
        lines += [f"  {key}: {value:.2f}" if isinstance(value, float) else f"  {key}: {value}"
                  for key, value in self.notes.items()]
        rows = self.by_preset()
        if len(rows) > 1 or len(self.sessions) > 1:
            lines.append("  per preset: sessions, of them drawn, median first paint (s), "
                         "median / max finish (s)")
            lines += [f"    {p:<24} {n:>3} {drawn:>3}  {paint:7.1f}  {med:7.1f} / {top:.1f}"
                      for p, (n, drawn, paint, med, top) in rows.items()]
        stuck = Counter(f"{s.visit.preset}: {s.last_progress_percent}% '{s.last_progress}'"
                        for s in self.sessions if s.finished_s is None and s.last_progress)
        if stuck:
            lines.append("  unfinished sessions' last progress bar:")
            lines += [f"    {n} session(s): {text}" for text, n in stuck.most_common()]
        if self.server_log_problems:
            lines.append(f"  server log: {len(self.server_log_problems)} error(s):")
            lines += [f"    {n}x {text}" for text, n
                      in Counter(self.server_log_problems).most_common(5)]
        return "\n".join(lines)
