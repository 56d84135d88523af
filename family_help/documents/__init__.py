"""Family Help PDFs (WeasyPrint), one module per document."""
