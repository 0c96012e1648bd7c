"""Command-line tools: ziggurat-opt, ziggurat-translate."""
