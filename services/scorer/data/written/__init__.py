"""Free-written labelled data: conversations written one by one by independent authors.

``train/`` is written by training authors, ``test/`` and ``contrast/`` by different authors who
never read the training files, ``annotations/`` holds blind labels from independent annotators.
``next/`` holds training replies the committed model was not trained on (none now: t50-t51 and
the second pool of pleasantries moved into ``train/`` and ``padding/`` with model cd458a2b), and
``next/padding/`` pleasantry pools waiting the same way: validated like the rest, read by no
training run until they move into ``train/`` (and ``padding/``) with the model trained on them,
so that ``train`` keeps reproducing the committed artifact.
``python -m services.scorer.data.written.check FILE...`` validates any of these files.
"""
