from django.conf import settings


def test_env():
    assert settings.TESTING
    assert settings.PASSWORD_HASHERS[0].endswith("MD5PasswordHasher")
