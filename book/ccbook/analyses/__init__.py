"""Our own analyses, beyond what the sources print. Pages that show them label them as ours."""
