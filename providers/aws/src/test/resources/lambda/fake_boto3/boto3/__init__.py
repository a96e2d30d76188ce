"""Stand-in for the boto3 of the Lambda runtime: Secrets Manager answers from FAKE_SECRETS (a JSON
object of secret ARN -> the secret's JSON object, or a list of them answered in turn, the last one
repeated, as a secret changing between reads) and logs each read to FAKE_SECRETS_LOG, so a test can
run the adapter's secret path without AWS."""
import json
import os


def client(service):
    if service != "secretsmanager":
        raise ValueError("only secretsmanager is faked, not " + service)
    return _SecretsManager()


class _SecretsManager:
    def get_secret_value(self, SecretId):
        with open(os.environ["FAKE_SECRETS_LOG"], "a+", encoding="utf-8") as log:
            log.seek(0)
            earlier = log.read().splitlines().count(SecretId)
            log.write(SecretId + "\n")
        value = json.loads(os.environ["FAKE_SECRETS"])[SecretId]
        if isinstance(value, list):
            value = value[min(earlier, len(value) - 1)]
        return {"SecretString": json.dumps(value)}
