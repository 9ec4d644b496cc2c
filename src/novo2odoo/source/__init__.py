"""Extract stage: find, decode and read the files of a Novo export."""

from .export import Export, SourceFile, open_export

__all__ = ["Export", "SourceFile", "open_export"]
