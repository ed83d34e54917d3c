"""Command-line tools beside the packages: they may import every package, and no package imports them."""
