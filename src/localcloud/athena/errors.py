"""Why a query failed, in Athena's words: error type, message, category and retryability.

Athena reports a failed query as `StateChangeReason: "<TYPE>: <message>"` plus
`AthenaError {ErrorCategory, ErrorType, Retryable, ErrorMessage}`; these classes carry that.
"""

from __future__ import annotations

# AthenaError.ErrorCategory: 1 system, 2 user, 3 other.
SYSTEM, USER, OTHER = 1, 2, 3

# AthenaError.ErrorType codes from Athena's error catalog (user errors are 1xxx).
_ERROR_TYPE_CODES = {
    "SYNTAX_ERROR": 1006,
    "COLUMN_NOT_FOUND": 1006,
    "TABLE_NOT_FOUND": 1006,
    "SCHEMA_NOT_FOUND": 1006,
    "FUNCTION_NOT_FOUND": 1006,
    "TYPE_MISMATCH": 1006,
    "AMBIGUOUS_NAME": 1006,
    "INVALID_FUNCTION_ARGUMENT": 1006,
    "INVALID_CAST_ARGUMENT": 1006,
    "DIVISION_BY_ZERO": 1006,
    "NOT_SUPPORTED": 1006,
    "ALREADY_EXISTS": 1006,
    "INVALID_TABLE_PROPERTY": 1006,
    "HIVE_PATH_ALREADY_EXISTS": 1006,
    "HIVE_BAD_DATA": 1003,
    "HIVE_CANNOT_OPEN_SPLIT": 1003,
    "EXCEEDED_BYTES_SCANNED_LIMIT": 1102,
    "USER_CANCELLED": 1001,
    "GENERIC_USER_ERROR": 1000,
    "GENERIC_INTERNAL_ERROR": 401,
}


class QueryFailed(Exception):
    """A query ends FAILED with this Athena error type and message."""

    def __init__(self, error_type: str, message: str, category: int = USER):
        super().__init__(f"{error_type}: {message}")
        self.error_type = error_type
        self.message = message
        self.category = category

    @property
    def reason(self) -> str:
        """The StateChangeReason text."""
        return f"{self.error_type}: {self.message}"

    def athena_error(self) -> dict:
        return {
            "ErrorCategory": self.category,
            "ErrorType": _ERROR_TYPE_CODES.get(self.error_type, 1000),
            "Retryable": self.category == SYSTEM,
            "ErrorMessage": self.reason,
        }


def not_supported(what: str) -> QueryFailed:
    """A statement or feature the local Athena refuses rather than answer differently."""
    return QueryFailed("NOT_SUPPORTED", f"{what} is not supported by the local Athena")


class BytesScannedCutoff(QueryFailed):
    """The workgroup's BytesScannedCutoffPerQuery was exceeded (Athena cancels the query)."""

    def __init__(self) -> None:
        super().__init__("EXCEEDED_BYTES_SCANNED_LIMIT", "Bytes scanned limit was exceeded")

    @property
    def reason(self) -> str:
        # Athena's exact words for this case carry no error-type prefix.
        return "Query cancelled! : Bytes scanned limit was exceeded"
