"""Train the project's model in the background (the window's "Train model" action).

progress(step, max_steps); finished carries a models.suggest.train.TrainReport (metrics per
label; the trained pipeline is already the project's suggester); cancel stops at the next
training step and leaves the project's suggester unchanged (`cancelled` fires).
"""

from __future__ import annotations

from desktop.workers.base import JobWorker


class TrainWorker(JobWorker):
    def __init__(self, store, user: str, project: str | int, out: str, *,
                 layer: str | None = None, max_steps: int | None = None, seed: int = 0):
        super().__init__(store, user)
        self.project, self.out, self.layer = project, out, layer
        self.max_steps, self.seed = max_steps, seed

    def work(self):
        return self.service().train_model(self.project, self.out, layer=self.layer,
                                          max_steps=self.max_steps, seed=self.seed,
                                          progress=self.progress.emit,
                                          cancel=self.is_cancelled)
