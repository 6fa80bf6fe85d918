"""scratchlib: the book's chapter-4 code, done right."""
