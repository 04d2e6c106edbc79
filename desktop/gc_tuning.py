"""Garbage-collector settings for an interactive window.

The open window holds hundreds of thousands of long-lived objects (Qt wrappers, the layer,
the view's index). Python's cyclic collector would walk all of them again and again while
the user edits, which shows as 5-15 ms stalls on a keystroke. So: young collections run
less often (`tune`), and whatever exists once a document is shown is moved out of the
collector's sight (`settle`: collect once, then freeze). Reference counting still frees
everything as usual; `settle` runs again on each document opened, so nothing piles up."""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 50, 100)


def tune() -> None:
    gc.set_threshold(*THRESHOLDS)


def settle() -> None:
    gc.unfreeze()
    gc.collect()
    gc.freeze()
