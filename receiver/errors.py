"""Errors that carry their HTTP status; one handler renders them all (RFC 6749 §5.2 shape)."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


class ApiError(Exception):
    def __init__(
        self, status: int, error: str, description: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description
        self.headers = headers or {}


def unauthorized(description: str) -> ApiError:
    return ApiError(401, "invalid_token", description, {"WWW-Authenticate": "Bearer"})


async def render(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return response(exc)


def response(exc: ApiError) -> JSONResponse:
    return JSONResponse(
        {"error": exc.error, "error_description": exc.description},
        status_code=exc.status,
        headers={"Cache-Control": "no-store", **exc.headers},
    )


async def render_validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    return JSONResponse(
        {"error": "invalid_request", "error_description": f"The request is malformed ({where})."},
        status_code=400,
    )
