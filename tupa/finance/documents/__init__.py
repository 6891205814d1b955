"""Invoice documents: the PDF invoice with the bank transfer form and the Finnish bank barcode,
and the Finvoice 3.0 e-invoice message (issue 14 item 3, docs/finance-documents.md)."""
