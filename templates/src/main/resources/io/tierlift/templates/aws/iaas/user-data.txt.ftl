set -euo pipefail
exec >>/var/log/tierlift-boot.log 2>&1

# Tell CloudFormation how the boot went. The Auto Scaling group waits for this signal when it is
# created and on every rolling update, and rolls back when an instance fails or stays silent.
# CloudFormation counts one signal per instance: the unique id is the instance's id, from the
# instance metadata service (IMDSv2, which the launch template requires: a session token first).
# The AWS CLI (part of the image) sends it with the instance role, which may signal this stack.
instance_id=unknown
signal() {
    aws cloudformation signal-resource --region "$TIERLIFT_REGION" --stack-name "$TIERLIFT_STACK" \
        --logical-resource-id ${asgLogicalId} --unique-id "$instance_id" --status "$1" || true
}
trap 'signal FAILURE' ERR
imds_token=$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token)
instance_id=$(curl -fsS -H "X-aws-ec2-metadata-token: $imds_token" http://169.254.169.254/latest/meta-data/instance-id)

dnf install -y ${packages}

useradd --system --home-dir ${home} --shell /sbin/nologin ${appUser}
install -d -m 0755 ${home} ${configDir} ${launcherDir}
install -d -m 0755 -o ${appUser} -g ${appUser} ${logDir}

# The release: a tar.gz of the backend folder that tierlift deploy uploaded.
aws s3 cp --only-show-errors --region "$TIERLIFT_REGION" "s3://$TIERLIFT_ARTIFACT_BUCKET/$TIERLIFT_RELEASE_KEY" /root/release.tar.gz
install -d -m 0755 ${releaseDir}
tar -xzf /root/release.tar.gz -C ${releaseDir} --no-same-owner
rm -f /root/release.tar.gz
${python} -m venv ${venv}
${pip} install --no-cache-dir ${pipInstall}

cat > ${gunicornConfigPath} <<'TIERLIFT_EOF'
<#list gunicornConfig as line>
${line}
</#list>
TIERLIFT_EOF

cat > ${launcherPath} <<'TIERLIFT_EOF'
<#list launcher as line>
${line}
</#list>
TIERLIFT_EOF
chmod 0755 ${launcherPath}

cat > ${appEnvPath} <<'TIERLIFT_EOF'
<#list appEnv as line>
${line}
</#list>
TIERLIFT_EOF

# Not secret: where the start script finds the database and the secrets, which region to ask, and
# whether it runs the release command (not on instances a migration launched: its copy brings the schema).
cat > ${bootEnvPath} <<TIERLIFT_EOF
TIERLIFT_REGION=$TIERLIFT_REGION
TIERLIFT_DB_HOST=$TIERLIFT_DB_HOST
TIERLIFT_DB_SECRET_ARN=$TIERLIFT_DB_SECRET_ARN
TIERLIFT_APP_DB_SECRET_ARN=$TIERLIFT_APP_DB_SECRET_ARN
TIERLIFT_APP_SECRET_ARN=$TIERLIFT_APP_SECRET_ARN
TIERLIFT_RELEASE_COMMAND_AT_BOOT=$TIERLIFT_RELEASE_COMMAND_AT_BOOT
TIERLIFT_EOF

cat > ${unitPath} <<'TIERLIFT_EOF'
<#list unit as line>
${line}
</#list>
TIERLIFT_EOF

cat > ${cloudwatchConfigPath} <<'TIERLIFT_EOF'
<#list cloudwatchConfig as line>
${line}
</#list>
TIERLIFT_EOF

systemctl daemon-reload
systemctl enable --now ${service}
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:${cloudwatchConfigPath}

# Healthy means the app answers its health check here, database included; only then signal success.
for attempt in $(seq 1 60); do
    if curl -fsS -o /dev/null ${healthUrl}; then
        break
    fi
    sleep 5
done
curl -fsS -o /dev/null ${healthUrl}
signal SUCCESS
