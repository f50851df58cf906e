"""A boto3 consumer of a refreshing profile, in its own process (test/integration/consumers.test.ts).

usage: python3 boto3_caller.py ENDPOINT COUNT [PROFILE]

Calls sts get-caller-identity COUNT times through one session, with PROFILE or, without it, the
profile AWS_PROFILE names. Prints the ARNs and how botocore got the credentials, never a secret.
"""
import json
import sys

import boto3

endpoint, count = sys.argv[1], int(sys.argv[2])
profile = sys.argv[3] if len(sys.argv) > 3 else None
session = boto3.Session(profile_name=profile) if profile else boto3.Session()
client = session.client('sts', endpoint_url=endpoint)
arns = [client.get_caller_identity()['Arn'] for _ in range(count)]
print(json.dumps({'arns': arns, 'method': session.get_credentials().method}))
