"""Tools that work on the built book: the headless browser setup shared by `make pdf` and the
browser tests (:mod:`book.tools.browser`) and the PDF builder (:mod:`book.tools.pdf`)."""
