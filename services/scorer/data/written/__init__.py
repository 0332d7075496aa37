"""Free-written labelled data: conversations written one by one by independent authors.

``train/`` is written by training authors, ``test/`` and ``contrast/`` by different authors who
never read the training files, ``annotations/`` holds blind labels from independent annotators.
``next/`` holds training replies the committed model was not trained on (now t50-t51, and in
``next/padding/`` a second pool of pleasantries for the padded twins: a trial with both, model
0e0f9b4b, tied on validation and cost four library strong replies, see the model card): validated
like the rest, read by no training run until they move into ``train/`` (and ``padding/``) with
the model trained on them, so that ``train`` keeps reproducing the committed artifact.
``python -m services.scorer.data.written.check FILE...`` validates any of these files.
"""
