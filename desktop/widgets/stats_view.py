"""View > Statistics: labels per type (bar), documents by status (pie), documents per
category (bar), progress per annotator over time (lines), drawn with QtCharts."""

from __future__ import annotations

from datetime import datetime, time

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QHorizontalBarSeries,
    QLineSeries,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QDialog, QGridLayout, QLabel, QTabWidget, QVBoxLayout

from desktop.widgets.document_list import STATUS_TEXT, duration
from desktop.workspace import Workspace

STATUS_COLORS = {"new": "#9aa0a6", "in_progress": "#f2a65a", "done": "#4caf50",
                 "approved": "#2e7d32", "returned": "#e57373"}


def integer_axis(axis: QValueAxis, top: int) -> None:
    """Whole-number ticks 0..top or beyond, at most ten steps of 1, 2 or 5 x 10^k (the
    default five ticks over 0..2 read 0, 0, 1, 1, 2)."""
    top = max(int(top), 1)
    step = 1
    while top / step > 10:
        for factor in (2, 5 / 2, 2):
            step = int(step * factor)
            if top / step <= 10:
                break
    n = -(-top // step)
    axis.setTickType(QValueAxis.TicksFixed)
    axis.setRange(0, n * step)
    axis.setTickCount(n + 1)
    axis.setLabelFormat("%d")


def _view(chart: QChart) -> QChartView:
    chart.setAnimationOptions(QChart.NoAnimation)
    chart.legend().setAlignment(Qt.AlignBottom)
    v = QChartView(chart)
    v.setRenderHint(QPainter.Antialiasing)
    return v


class StatsDialog(QDialog):
    def __init__(self, ws: Workspace, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.setWindowTitle(f"Statistics — {ws.project_name}")
        self.resize(900, 640)
        data = ws.service.stats(ws.project_name)
        self.data = data
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(f"{data['documents']} documents · {data['spans']} spans · "
                             f"{data['relations']} relations · {data['events']} events · "
                             f"{data['suggestions']} suggestions"))
        active = {name: layer.get("active_seconds", 0) for name, layer in
                  sorted(data["layers"].items()) if layer.get("active_seconds")}
        self.active_label = QLabel("active time: " + (", ".join(
            f"{name} {duration(sec)}" for name, sec in active.items()) or "none yet"))
        lay.addWidget(self.active_label)
        tabs = QTabWidget()
        lay.addWidget(tabs)
        top = QGridLayout()
        overview = QDialog()
        overview.setLayout(top)
        self.labels_chart = self._labels(data["labels"])
        self.status_chart = self._status()
        top.addWidget(_view(self.labels_chart), 0, 0)
        top.addWidget(_view(self.status_chart), 0, 1)
        self.categories_chart = None
        if data.get("categories") or ws.schema.categories:
            self.categories_chart = self._labels(data.get("categories", {}),
                                                 "Documents per category (accepted)")
            top.addWidget(_view(self.categories_chart), 1, 0, 1, 2)
        tabs.addTab(overview, "Labels and documents")
        self.progress_chart = self._progress(ws.service.label_progress(ws.project_id),
                                             "Labels per annotator over time")
        tabs.addTab(_view(self.progress_chart), "Progress per annotator")
        self.done_chart = self._progress(ws.service.documents_done(ws.project_id),
                                         "Documents done per annotator over time")
        tabs.addTab(_view(self.done_chart), "Documents done")

    def _labels(self, counts: dict[str, int], title: str = "Accepted labels per type"
                ) -> QChart:
        """Horizontal bars: every label's name is written out in full beside its bar
        (rotated names under vertical bars were cut to "PER...")."""
        chart = QChart()
        chart.setTitle(title)
        bars = QBarSet("labels")
        names = sorted(counts, key=lambda k: (counts[k], k))  # the largest at the top
        for n in names:
            bars.append(counts[n])
        series = QHorizontalBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        chart.addSeries(series)
        ay = QBarCategoryAxis()
        ay.append(names or ["(none yet)"])
        ax = QValueAxis()
        integer_axis(ax, max(counts.values(), default=0))
        chart.addAxis(ax, Qt.AlignBottom)
        chart.addAxis(ay, Qt.AlignLeft)
        series.attachAxis(ax)
        series.attachAxis(ay)
        chart.legend().setVisible(False)
        return chart

    def _status(self) -> QChart:
        chart = QChart()
        chart.setTitle(f"Documents by status ({self.ws.service.user})")
        counts: dict[str, int] = {}
        for d in self.ws.documents:
            counts[d.status] = counts.get(d.status, 0) + 1
        series = QPieSeries()
        for status, n in counts.items():
            sl = series.append(f"{STATUS_TEXT.get(status, status)} ({n})", n)
            sl.setColor(QColor(STATUS_COLORS.get(status, "#888")))
            sl.setLabelVisible(True)
        chart.addSeries(series)
        return chart

    def _progress(self, per_user: dict[str, list[tuple[str, int]]], title: str) -> QChart:
        chart = QChart()
        chart.setTitle(title)
        ax = QDateTimeAxis()
        ax.setFormat("yyyy-MM-dd")
        ay = QValueAxis()
        chart.addAxis(ax, Qt.AlignBottom)
        chart.addAxis(ay, Qt.AlignLeft)
        lo = hi = None
        top = 0
        for user, points in sorted(per_user.items()):
            series = QLineSeries()
            series.setName(user)
            series.setPointsVisible(True)
            for day, n in points:
                ms = QDateTime(datetime.combine(datetime.fromisoformat(day).date(), time()))
                series.append(ms.toMSecsSinceEpoch(), n)
                lo = ms if lo is None or ms < lo else lo
                hi = ms if hi is None or ms > hi else hi
                top = max(top, n)
            chart.addSeries(series)
            series.attachAxis(ax)
            series.attachAxis(ay)
        if lo is not None:
            ax.setRange(lo.addDays(-1), hi.addDays(1))
        integer_axis(ay, top)
        return chart
