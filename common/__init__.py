"""What every package stands on: typed settings, files on disk and the model hub, statistics.

It imports no other package of the project."""
