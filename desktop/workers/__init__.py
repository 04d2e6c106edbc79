"""Background workers (QObject in a QThread) for long jobs: suggest for a whole project,
train a model, rank documents by uncertainty. See base.py for how the window uses them."""
