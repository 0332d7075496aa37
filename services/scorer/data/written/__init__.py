"""Free-written labelled data: conversations written one by one by independent authors.

``train/`` is written by training authors, ``test/`` and ``contrast/`` by different authors who
never read the training files, ``annotations/`` holds blind labels from independent annotators.
``python -m services.scorer.data.written.check FILE...`` validates any of these files.
"""
