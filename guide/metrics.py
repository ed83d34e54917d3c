"""Prometheus text metrics, kept in plain counters (no client library needed for a few series)."""
from __future__ import annotations

from collections import Counter


class Metrics:
    def __init__(self) -> None:
        self.connections = 0
        self.messages: Counter[str] = Counter()
        self.answers: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.declined: Counter[str] = Counter()  # requests the guard declined, by kind
        self.ttft_sum = 0.0
        self.ttft_count = 0
        self.tokens = 0
        self.gen_seconds = 0.0

    def answer(self, finish: str, ttft_s: float | None, tokens: int, seconds: float) -> None:
        self.answers[finish] += 1
        if ttft_s is not None:
            self.ttft_sum += ttft_s
            self.ttft_count += 1
        self.tokens += tokens
        self.gen_seconds += seconds

    def render(self, queue_depth: int, records=None) -> str:
        lines = ["# TYPE guide_open_connections gauge", f"guide_open_connections {self.connections}",
                 "# TYPE guide_queue_depth gauge", f"guide_queue_depth {queue_depth}"]
        if records is not None:  # answers the store has not taken yet, and any given up
            lines += ["# TYPE guide_store_up gauge", f"guide_store_up {int(records.healthy)}",
                      "# TYPE guide_unlogged_answers gauge", f"guide_unlogged_answers {len(records.unlogged)}",
                      "# TYPE guide_lost_answers_total counter", f"guide_lost_answers_total {records.lost}"]
        lines.append("# TYPE guide_messages_total counter")
        lines += [f'guide_messages_total{{type="{t}"}} {n}' for t, n in sorted(self.messages.items())]
        lines.append("# TYPE guide_answers_total counter")
        lines += [f'guide_answers_total{{finish="{f}"}} {n}' for f, n in sorted(self.answers.items())]
        lines.append("# TYPE guide_errors_total counter")
        lines += [f'guide_errors_total{{code="{c}"}} {n}' for c, n in sorted(self.errors.items())]
        lines.append("# TYPE guide_declined_total counter")
        lines += [f'guide_declined_total{{kind="{k}"}} {n}' for k, n in sorted(self.declined.items())]
        lines += ["# TYPE guide_time_to_first_token_seconds summary",
                  f"guide_time_to_first_token_seconds_sum {self.ttft_sum:.6f}",
                  f"guide_time_to_first_token_seconds_count {self.ttft_count}",
                  "# TYPE guide_generated_tokens_total counter", f"guide_generated_tokens_total {self.tokens}",
                  "# TYPE guide_tokens_per_second gauge",
                  f"guide_tokens_per_second {self.tokens / self.gen_seconds if self.gen_seconds else 0:.3f}"]
        return "\n".join(lines) + "\n"
