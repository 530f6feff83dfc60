"""The MkDocs plugin ``gongyu``: adds the corpus's pages, printables and packs at build time."""
