"""Adapters for data-pipeline libraries, each an optional extra (issue #8).

- :mod:`corpuslint.adapters.datatrove`: ``CorpuslintAnnotator``, a datatrove pipeline
  step that stores each document's findings in its metadata and can drop documents
  (``pip install 'corpuslint[datatrove]'``);
- :mod:`corpuslint.adapters.hf_datasets`: functions for Hugging Face ``datasets``
  ``.map()`` and ``.filter()`` (``pip install 'corpuslint[datasets]'``).

Importing an adapter without its library raises an ImportError naming the extra.
"""
