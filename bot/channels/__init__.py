"""Input channels of the assistant (loaded by Rasa from bot/credentials.yml; PYTHONPATH=bot)."""
