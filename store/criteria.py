"""The five criteria every answer is rated on (1 to 5 by visitors and experts, 0 to 1 by the
automatic scorers), in the order the wire protocol, the store and every report use."""
from __future__ import annotations

CRITERIA = ("factual_accuracy", "context_relevance", "safety", "alignment", "formatting")
