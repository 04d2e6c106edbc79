"""Review: inter-annotator agreement, adjudication into gold, label history. No Qt here.

Decisions worth knowing (short ADR):
- Layers are compared by what a label says (offsets + label; relations: both ends' offsets +
  label; events: trigger offsets + type, and arguments as role + target offsets), never by
  row ids: see labels.py. Only accepted labels count. A layer counts as an annotation of a
  document when it has an accepted label or its status is done/approved/returned.
- F1 is symmetric (2m / (|A| + |B|)) and pooled over documents; two empty sides give 1.0,
  kappa with p_e = 1 gives 1.0, alpha with one value everywhere 1.0 (metrics.py). Reports
  also give the counts, so a reader can tell "agree on nothing" from real agreement.
- Review decisions are written to the audit log (action "adjudicate", table "review", the
  keys they settle). A key that is in gold or was decided is never a conflict again, even
  after gold is edited; a new or changed annotator label is a new conflict. No new table.
- Team mode polling: Service.change_marker(document_id) is the newest audit row id of the
  document (one index read). The window polls it with a QTimer (the review window does every 3 s)
  and reloads only when it moved, so labels others add appear without a restart.
- Exports use gold once it exists (models/services/exporting.pick_layer).
"""
