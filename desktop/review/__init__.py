"""Review widgets the main window embeds: agreement (table, heat map, ranked documents) and
review mode (layers side by side or merged, conflict walk, decisions). They call the
Service only."""
