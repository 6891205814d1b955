"""The data subject's extracts: the log extract, the data extract and the DPO's person lookup."""

from .data import DataExtract, ExtractEpisode, data_extract, field_label
from .log import LogRow, default_period, log_extract
from .lookup import person_by_identifier

__all__ = [
    "DataExtract",
    "ExtractEpisode",
    "LogRow",
    "data_extract",
    "default_period",
    "field_label",
    "log_extract",
    "person_by_identifier",
]
