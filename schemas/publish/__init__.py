"""Publishing: the files generated from the models and the data (datapackage.json, codebook.csv,
references.bib) and the release log. ``python -m schemas generate`` and ``release`` drive them."""
