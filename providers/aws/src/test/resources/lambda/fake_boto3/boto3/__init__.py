"""Stand-in for the boto3 of the Lambda runtime: Secrets Manager answers from FAKE_SECRETS (a JSON
object of secret ARN -> the secret's JSON object) and logs each read to FAKE_SECRETS_LOG, so a
test can run the adapter's secret path without AWS."""
import json
import os


def client(service):
    if service != "secretsmanager":
        raise ValueError("only secretsmanager is faked, not " + service)
    return _SecretsManager()


class _SecretsManager:
    def get_secret_value(self, SecretId):
        with open(os.environ["FAKE_SECRETS_LOG"], "a", encoding="utf-8") as log:
            log.write(SecretId + "\n")
        return {"SecretString": json.dumps(json.loads(os.environ["FAKE_SECRETS"])[SecretId])}
