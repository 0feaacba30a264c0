"""Ceiling (b): the same HTTP stack (uvicorn + FastAPI) answering a batch without storing it."""

from fastapi import FastAPI, Request

app = FastAPI()


@app.post("/api/webhooks/sendgrid")
async def sink(request: Request) -> dict[str, int]:
    await request.body()
    return {"stored": 0}
