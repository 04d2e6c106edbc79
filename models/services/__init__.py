"""The service layer: one function per operation. Each validates, writes its audit row, and
returns what changed (models.views.Change). The Service facade (models/service/) runs each in its
own unit of work, so every edit is committed when it is made."""
