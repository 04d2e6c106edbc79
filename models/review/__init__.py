"""Review: inter-annotator agreement, adjudication into gold, label history. No Qt here."""
