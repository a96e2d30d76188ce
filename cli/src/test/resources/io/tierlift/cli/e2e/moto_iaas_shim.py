# moto_server for the aws-iaas end-to-end test, with the gaps of moto 5.2's CloudFormation that the
# aws-iaas templates hit filled in memory. Test harness for an emulator only: the real templates are
# never changed to please moto. Each patch below says what moto does and why it is patched.
#
# Usage: python3 moto_iaas_shim.py -H 127.0.0.1 -p PORT   (the same arguments as moto_server)
import json
import sys
import uuid

from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel
from moto.rds import models as rds

_original_has_cfn_attr = rds.DBInstance.has_cfn_attr.__func__
_original_get_cfn_attribute = rds.DBInstance.get_cfn_attribute
_original_create = rds.DBInstance.create_from_cloudformation_json.__func__


# Patch 1: ManageMasterUserPassword is ignored by moto's AWS::RDS::DBInstance create_from_cloudformation_json
# (it builds its own keyword list without it), so the instance gets no Secrets Manager secret, unlike the
# RDS API (CreateDBInstance) in the same moto, which makes one. Here the instance is given the secret the
# API path would have made: MasterUserSecret is moto's own class, so the secret really exists in moto's
# Secrets Manager and is deleted with the instance.
def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    properties = cloudformation_json["Properties"]
    # Patch 2: a {"Ref": DBParameterGroup} reaches this method as moto's parameter group object, not its
    # name, and DBInstance then fails with an AttributeError; AWS passes the group's name.
    group = properties.get("DBParameterGroupName")
    if group is not None and not isinstance(group, str):
        properties["DBParameterGroupName"] = group.name
    database = _original_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    # Patch 9: moto's AWS::RDS::DBInstance ignores DeletionProtection, so the instance was never protected
    # and destroy's ModifyDBInstance step went untested. Set as the RDS API would; moto's own
    # DeleteDBInstance (used when the stack is deleted) then refuses a protected instance, as AWS does.
    if str(properties.get("DeletionProtection", "false")).lower() == "true":
        database.deletion_protection = True
    if str(properties.get("ManageMasterUserPassword", "false")).lower() == "true" and not getattr(
            database, "manage_master_user_password", False):
        kms_key_id = (properties.get("MasterUserSecret") or {}).get("KmsKeyId")
        database.master_user_secret = rds.MasterUserSecret(database, kms_key_id)
        database.manage_master_user_password = True
    return database


# Patch 3: GetAtt MasterUserSecret.SecretArn is not an attribute moto's DBInstance knows. Without it the
# stack is refused, and an attribute error inside an Output makes DescribeStacks drop EVERY output of the
# stack silently (its Jinja response template treats the raising `stack.outputs` property as undefined) —
# this is why a data stack with ManageMasterUserPassword showed no outputs at all. Answered from the secret
# patch 1 made.
def has_cfn_attr(cls, attr):
    return attr == "MasterUserSecret.SecretArn" or _original_has_cfn_attr(cls, attr)


def get_cfn_attribute(self, attr):
    if attr == "MasterUserSecret.SecretArn":
        secret = getattr(self, "master_user_secret", None)
        if secret is None:
            # AWS refuses this GetAtt too when the password is not managed by RDS.
            raise parsing.UnformattedGetAttTemplateException()
        return secret.secret_arn
    # Patch 4: moto answers Endpoint.Port as a number; AWS (and the Output/parameter it feeds) has a string.
    if attr == "Endpoint.Port":
        return str(self.port)
    return _original_get_cfn_attribute(self, attr)


rds.DBInstance.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)
rds.DBInstance.has_cfn_attr = classmethod(has_cfn_attr)
rds.DBInstance.get_cfn_attribute = get_cfn_attribute


# Patch 6: moto's AWS::EC2::RouteTable has no delete for CloudFormation, so deleting the network stack
# leaves its route tables behind and the VPC's own deletion then fails with DependencyViolation ("has
# dependencies"), where AWS deletes the route tables first. The table is deleted through moto's EC2 API.
from moto.ec2.models import route_tables


def delete_route_table(self, account_id, region_name):
    self.ec2_backend.delete_route_table(self.id)


if not hasattr(route_tables.RouteTable, "delete"):
    route_tables.RouteTable.delete = delete_route_table


# Patch 7: DescribeStacks shows a CommaDelimitedList/List<...> parameter as moto's Python list repr
# ("['subnet-1', 'subnet-2']") where AWS shows the value as given ("subnet-1,subnet-2"). tierlift compares
# live parameters with the wanted ones to skip unchanged stacks, so with the repr every stack taking a
# list made a (no-change) change set on each redeploy. Lists are shown joined, as AWS does.
from moto.cloudformation import models as cfn_models

_original_parameter_list = cfn_models.Stack.parameter_list.fget


def parameter_list(self):
    shown = []
    for parameter in _original_parameter_list(self):
        value = parameter["ParameterValue"]
        if isinstance(value, list):
            parameter = dict(parameter, ParameterValue=",".join(str(v) for v in value))
        shown.append(parameter)
    return shown


cfn_models.Stack.parameter_list = property(parameter_list)


# Patch 5: moto's CloudFormation does not know AWS::WAFv2::WebACL (nor its LoggingConfiguration) or the
# CloudFront resources (creating a stack with an unknown type fails on the first Ref/GetAtt to it). They are
# recorded as placeholders
# with an id, so the static and waf stacks deploy; nothing is served from them and the test asserts
# nothing about them beyond the stack completing.
def placeholder(resource_type, name_property=None, attribute=None):
    """name_property: the property whose value Ref answers (when given); attribute(self, attr): GetAtt answers
    of this type, None for the generic ones below."""
    class Placeholder(CloudFormationModel):
        # moto's model metaclass registers a model under the service named in its module path.
        __module__ = "moto.cloudformation.placeholder"

        def __init__(self, account_id, region_name, properties):
            self.suffix = uuid.uuid4().hex[:12]
            self.region_name = region_name
            self.physical_resource_id = properties.get(name_property) or "tl" + self.suffix.upper()
            if resource_type == "AWS::CloudFront::Distribution":
                PLACEHOLDER_DISTRIBUTIONS.add(self.physical_resource_id)
            self.arn = "arn:aws:placeholder:%s:%s:%s/%s" % (region_name, account_id, resource_type,
                                                              self.physical_resource_id)

        @staticmethod
        def cloudformation_name_type():
            return "Name"

        @staticmethod
        def cloudformation_type():
            return resource_type

        @classmethod
        def has_cfn_attr(cls, attr):
            return True

        def get_cfn_attribute(self, attr):
            answer = attribute(self, attr) if attribute else None
            if answer is not None:
                return answer
            if attr == "DomainName":
                return self.physical_resource_id.lower() + ".cloudfront.net"
            if attr == "Id":
                return self.physical_resource_id
            return self.arn

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
            return cls(account_id, region_name, cloudformation_json.get("Properties") or {})

        @classmethod
        def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                            account_id, region_name):
            return original_resource

        @classmethod
        def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
            pass

    Placeholder.__module__ = "moto.cloudformation.placeholder"
    Placeholder.__name__ = "Placeholder_" + resource_type.replace("::", "_")
    return Placeholder


PLACEHOLDER_DISTRIBUTIONS = set()
PLACEHOLDERS = {t: placeholder(t) for t in ["AWS::WAFv2::WebACL", "AWS::WAFv2::LoggingConfiguration",
                                            "AWS::CloudFront::Distribution", "AWS::CloudFront::Function",
                                            "AWS::CloudFront::OriginAccessControl"]}
_original_resource_class = parsing.resource_class_from_type


def resource_class_from_type(resource_type):
    return PLACEHOLDERS.get(resource_type) or _original_resource_class(resource_type)


parsing.resource_class_from_type = resource_class_from_type


# Patch 8: CreateInvalidation/GetInvalidation on a distribution the CloudFormation placeholder (patch 5)
# recorded answer NoSuchDistribution, since moto's CloudFront backend never saw it. For those ids the
# invalidation is kept as moto keeps its own (status Completed at once), so deploy's invalidation
# step runs against the emulator through the real CloudFront API; other ids keep moto's behaviour.
from moto.cloudfront import models as cloudfront_models

_original_get_distribution = cloudfront_models.CloudFrontBackend.get_distribution


class _PlaceholderDistribution:
    def __init__(self, distribution_id):
        self.id = distribution_id
        self.location = "https://cloudfront.amazonaws.com/2020-05-31/distribution/" + distribution_id
        self.etag = "E" + distribution_id


def _get_distribution(self, distribution_id):
    if distribution_id not in self.distributions and distribution_id in PLACEHOLDER_DISTRIBUTIONS:
        placeholder_distribution = _PlaceholderDistribution(distribution_id)
        return placeholder_distribution, placeholder_distribution.etag
    return _original_get_distribution(self, distribution_id)


_original_get_invalidation = cloudfront_models.CloudFrontBackend.get_invalidation


def _get_invalidation(self, dist_id, id):
    if dist_id not in self.distributions and dist_id in PLACEHOLDER_DISTRIBUTIONS:
        for invalidation in self.invalidations.get(dist_id, []):
            if invalidation.id == id:
                return invalidation
    return _original_get_invalidation(self, dist_id, id)


cloudfront_models.CloudFrontBackend.get_distribution = _get_distribution
cloudfront_models.CloudFrontBackend.get_invalidation = _get_invalidation

# Serverless patch S1: moto's CloudFormation does not know AWS::RDS::DBProxy or its target group (the data
# stack of aws-serverless). Placeholders as in patch 5; the proxy answers Ref with its name (the target group
# names it through Ref, as in AWS) and GetAtt Endpoint with a host name of the form AWS gives, which the api
# stack receives as the function's database host. Nothing connects to it: moto runs no function code.
def proxy_attribute(self, attr):
    if attr == "Endpoint":
        return "%s.proxy-%s.%s.rds.amazonaws.com" % (self.physical_resource_id, self.suffix, self.region_name)
    return None


PLACEHOLDERS.update({"AWS::RDS::DBProxy": placeholder("AWS::RDS::DBProxy", "DBProxyName", proxy_attribute),
                     "AWS::RDS::DBProxyTargetGroup": placeholder("AWS::RDS::DBProxyTargetGroup")})


# Serverless patch S2: moto's RDS API makes Aurora clusters (CreateDBCluster), but its CloudFormation has no
# AWS::RDS::DBCluster model at all (DBCluster is not a CloudFormationModel), so every Ref/GetAtt to the cluster
# failed (the AttributeError on None.has_cfn_attr in validate_outputs). The cluster is made through moto's own
# RDS backend from the resource's properties, whose names are the CreateDBCluster parameters, so
# DescribeDBClusters shows it (engine, Serverless v2 capacity, deletion protection, managed master secret).
def _name_of(value):
    # A Ref to a moto model without physical_resource_id (DBSubnetGroup) arrives as the object.
    return value if isinstance(value, str) or value is None else value.name


class ShimDBCluster(CloudFormationModel):
    __module__ = "moto.cloudformation.placeholder"

    @staticmethod
    def cloudformation_name_type():
        return "DBClusterIdentifier"

    @staticmethod
    def cloudformation_type():
        return "AWS::RDS::DBCluster"

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr in ("Endpoint.Address", "Endpoint.Port", "ReadEndpoint.Address", "MasterUserSecret.SecretArn",
                        "DBClusterArn", "DBClusterResourceId")

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        from moto.core.parse import XFormedDict

        properties = dict(cloudformation_json["Properties"])
        for key in ("DBSubnetGroupName", "DBClusterParameterGroupName"):
            properties[key] = _name_of(properties.get(key))
        scaling = properties.get("ServerlessV2ScalingConfiguration")
        if scaling is not None:
            properties["ServerlessV2ScalingConfiguration"] = XFormedDict(scaling)
        properties["DBClusterIdentifier"] = resource_name
        return rds.rds_backends[account_id][region_name].create_db_cluster(XFormedDict(properties))

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                        account_id, region_name):
        # Only what a stack update of this template can change here: the protection (so that a stack can be
        # updated to lift it before deletion, as in AWS), the capacity, and a point-in-time restore (patch 13).
        properties = cloudformation_json["Properties"]
        wanted = (properties.get("SourceDBClusterIdentifier"), properties.get("RestoreToTime"))
        if wanted[0] and wanted != getattr(original_resource, "tierlift_restore", (None, None)):
            return restored_cluster(new_resource_name, properties, wanted, account_id, region_name)
        original_resource.deletion_protection = properties.get("DeletionProtection", False)
        if "ServerlessV2ScalingConfiguration" in properties:
            from moto.core.parse import XFormedDict
            original_resource.serverless_v2_scaling_configuration = XFormedDict(
                properties["ServerlessV2ScalingConfiguration"])
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        rds.rds_backends[account_id][region_name].delete_db_cluster(resource_name)


def cluster_cfn_attribute(self, attr):
    answers = {
        "Endpoint.Address": lambda: self.endpoint,
        # A string, as in AWS (see patch 4).
        "Endpoint.Port": lambda: str(self.port),
        "ReadEndpoint.Address": lambda: self.reader_endpoint,
        "MasterUserSecret.SecretArn": lambda: self.master_user_secret.secret_arn,
        "DBClusterArn": lambda: self.db_cluster_arn,
        "DBClusterResourceId": lambda: self.db_cluster_resource_id,
    }
    if attr not in answers or (attr == "MasterUserSecret.SecretArn" and not self.manage_master_user_password):
        raise parsing.UnformattedGetAttTemplateException()
    return answers[attr]()


def cluster_delete(self, account_id, region_name):
    # moto's own delete_db_cluster: it refuses while DeletionProtection is on, and while instances remain
    # (the stack deletion then retries after the instance is gone), as AWS does.
    self.backend.delete_db_cluster(self.db_cluster_identifier)


# Ref answers the cluster identifier, as in AWS.
rds.DBCluster.physical_resource_id = property(lambda self: self.db_cluster_identifier)
rds.DBCluster.get_cfn_attribute = cluster_cfn_attribute
rds.DBCluster.delete = cluster_delete
# Asked of every resource after its creation (CloudFormationModel has it; DBCluster is not one).
rds.DBCluster.is_created = lambda self: True


# Serverless patch S3: AWS::RDS::DBClusterParameterGroup has a moto class that is a CloudFormationModel but
# declares no CloudFormation type or create method, so moto's CloudFormation did not create it. It is made
# with moto's CreateDBClusterParameterGroup (name in lower case, as AWS generates it); Ref answers the name.
class ShimDBClusterParameterGroup(CloudFormationModel):
    __module__ = "moto.cloudformation.placeholder"

    @staticmethod
    def cloudformation_name_type():
        return "DBClusterParameterGroupName"

    @staticmethod
    def cloudformation_type():
        return "AWS::RDS::DBClusterParameterGroup"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json["Properties"]
        backend = rds.rds_backends[account_id][region_name]
        group = backend.create_db_cluster_parameter_group(
            db_cluster_parameter_group_name=resource_name.lower(), db_parameter_group_family=properties["Family"],
            description=properties["Description"], tags=properties.get("Tags"))
        group.update_cluster_parameters([{"ParameterName": name, "ParameterValue": str(value), "ApplyMethod": "pending-reboot"}
                                         for name, value in (properties.get("Parameters") or {}).items()])
        return group

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                        account_id, region_name):
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        rds.rds_backends[account_id][region_name].delete_db_cluster_parameter_group(resource_name)


rds.DBClusterParameterGroup.physical_resource_id = property(lambda self: self.name)
rds.DBClusterParameterGroup.delete = lambda self, account_id, region_name: (
    self.backend.delete_db_cluster_parameter_group(self.name))

SHIM_MODELS = {"AWS::RDS::DBCluster": ShimDBCluster, "AWS::RDS::DBClusterParameterGroup": ShimDBClusterParameterGroup}
PLACEHOLDERS.update(SHIM_MODELS)


# Serverless patch S4: moto's AWS::RDS::DBInstance ignores DBClusterIdentifier (its create keyword list has
# no cluster), so the Aurora instance was made as a stand-alone instance, outside the cluster. An instance
# with DBClusterIdentifier is made through moto's CreateDBInstance with the cluster, as the API would.
_create_instance_after_patch_1 = rds.DBInstance.create_from_cloudformation_json.__func__


def create_instance(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    properties = cloudformation_json["Properties"]
    cluster = properties.get("DBClusterIdentifier")
    if cluster is None:
        return _create_instance_after_patch_1(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    return rds.rds_backends[account_id][region_name].create_db_instance({
        "db_instance_identifier": resource_name.replace("_", "-"),
        "db_cluster_identifier": cluster,
        "db_instance_class": properties.get("DBInstanceClass"),
        "engine": properties.get("Engine"),
        "publicly_accessible": properties.get("PubliclyAccessible"),
        "auto_minor_version_upgrade": properties.get("AutoMinorVersionUpgrade"),
        "tags": properties.get("Tags"),
    })


rds.DBInstance.create_from_cloudformation_json = classmethod(create_instance)

# Serverless patch S5: moto's CloudFormation has no AWS::SecretsManager::Secret model, so the data stack's
# app secret (which tierlift writes with PutSecretValue after the stack made it) did not exist and the
# stack's AppSecretArn output was missing. The secret is made in moto's Secrets Manager (named
# "<logical id>-<random>", as CloudFormation names it; empty unless SecretString is given); Ref answers its
# ARN, as in AWS; deleting the stack deletes it without a recovery window.
class ShimSecret(CloudFormationModel):
    __module__ = "moto.cloudformation.placeholder"

    def __init__(self, arn, account_id, region_name):
        self.physical_resource_id = arn
        self.account_id = account_id
        self.region_name = region_name

    @staticmethod
    def cloudformation_name_type():
        return "Name"

    @staticmethod
    def cloudformation_type():
        return "AWS::SecretsManager::Secret"

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr == "Id"

    def get_cfn_attribute(self, attr):
        if attr == "Id":
            return self.physical_resource_id
        raise parsing.UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        from moto.secretsmanager.models import secretsmanager_backends

        properties = cloudformation_json["Properties"]
        secret_string = properties.get("SecretString")
        generate = properties.get("GenerateSecretString")
        if secret_string is None and generate is not None:
            secret_string = generated_secret_string(generate)
        created = secretsmanager_backends[account_id][region_name].create_secret(
            name=properties.get("Name") or kwargs.get("LogicalId", "Secret") + "-" + uuid.uuid4().hex[:12],
            secret_string=secret_string, secret_binary=None,
            description=properties.get("Description"), tags=properties.get("Tags"),
            kms_key_id=properties.get("KmsKeyId"), client_request_token=None, replica_regions=[],
            force_overwrite=False)
        return cls(json.loads(created)["ARN"], account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                        account_id, region_name):
        return original_resource

    def delete(self, account_id, region_name):
        from moto.secretsmanager.models import secretsmanager_backends

        secretsmanager_backends[account_id][region_name].delete_secret(
            self.physical_resource_id, recovery_window_in_days=None, force_delete_without_recovery=True)


PLACEHOLDERS["AWS::SecretsManager::Secret"] = ShimSecret


# Serverless patch S5, continued: GenerateSecretString is how CloudFormation has Secrets Manager make the
# value (the origin secret), so the secret is created with a generated value, with moto's own generator and
# the resource's options, as GetRandomPassword would; with SecretStringTemplate the value goes under
# GenerateStringKey in that JSON object, as in AWS.
def generated_secret_string(options):
    from moto.secretsmanager.utils import random_password

    def flag(name):
        return str(options.get(name, "false")).lower() == "true"

    value = random_password(int(options.get("PasswordLength", 32)), options.get("ExcludeCharacters", ""),
                            flag("ExcludeNumbers"), flag("ExcludePunctuation"), flag("ExcludeUppercase"),
                            flag("ExcludeLowercase"), flag("IncludeSpace"), str(options.get("RequireEachIncludedType", "true")).lower() == "true")
    template = options.get("SecretStringTemplate")
    if template is None:
        return value
    document = json.loads(template)
    document[options["GenerateStringKey"]] = value
    return json.dumps(document)


# Patch 10: moto's CloudFormation does not resolve dynamic references: a '{{resolve:secretsmanager:...}}'
# string reached the resource as written (an ALB header condition then held the reference itself, and the
# string exceeded the ALB's 128 characters). CloudFormation resolves them when it creates or updates the
# resource; here every string a property resolves to is searched for them after moto's own intrinsic
# functions ran, and each is replaced by the value moto's Secrets Manager holds at the version asked for
# ({{resolve:secretsmanager:secret-id:SecretString:json-key:version-stage:version-id}}).
import re

_DYNAMIC_SECRET = re.compile(r"\{\{resolve:secretsmanager:(.+?)\}\}")
_original_clean_json = parsing.clean_json


def resolve_secret_reference(match, account_id, region_name):
    from moto.secretsmanager.models import secretsmanager_backends

    secret_id, _, rest = match.group(1).rpartition(":SecretString:")
    if not secret_id:
        secret_id, rest = match.group(1), ""
    json_key, version_stage, version_id = (rest.split(":") + ["", "", ""])[:3]
    answer = secretsmanager_backends[account_id][region_name].get_secret_value(
        secret_id, version_id or None, version_stage or (None if version_id else "AWSCURRENT"))
    value = answer["SecretString"]
    return str(json.loads(value)[json_key]) if json_key else value


def clean_json(resource_json, resources_map):
    cleaned = _original_clean_json(resource_json, resources_map)
    # Fn::Sub hands its text over before substituting: a reference with ${...} left is resolved once they are.
    if isinstance(cleaned, str) and "{{resolve:secretsmanager:" in cleaned and "${" not in cleaned:
        return _DYNAMIC_SECRET.sub(lambda m: resolve_secret_reference(m, resources_map._account_id, resources_map._region_name),
                                   cleaned)
    return cleaned


parsing.clean_json = clean_json


# Patch 11: on a stack update moto modifies a resource whose template is unchanged only when a changed
# parameter is named by a {"Ref"} in it; a parameter used as ${Name} inside Fn::Sub did not count, so a
# new origin secret version (a parameter inside the rules' dynamic references) left the ALB's rules as
# they were, where AWS updates every resource that uses the parameter. Fn::Sub's variables count too.
_SUB_VARIABLE = re.compile(r"\$\{([A-Za-z0-9:]+)\}")


def get_references_from_template(template):
    references = []
    if isinstance(template, dict):
        for key, value in template.items():
            if key == "Ref":
                references.append(value)
                continue
            if key == "Fn::Sub":
                references.extend(_SUB_VARIABLE.findall(value if isinstance(value, str) else value[0]))
            references.extend(get_references_from_template(value))
    elif isinstance(template, list):
        for item in template:
            references.extend(get_references_from_template(item))
    return references


parsing.get_references_from_template = get_references_from_template


# Serverless patch S6: moto stores EnableTerminationProtection from CreateStack but has no
# UpdateTerminationProtection (NotImplementedError, HTTP 500), which destroy --force-data-deletion calls to
# lift the protection of the data stack; and its DeleteStack ignores the protection. Both as in AWS: the
# update sets the flag, and deleting a protected stack is refused with AWS's ValidationError.
from moto.cloudformation import responses as cfn_responses
from moto.cloudformation.exceptions import ValidationError as CfnValidationError
from moto.core.responses import ActionResult


def update_termination_protection(self):
    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    stack.enable_termination_protection = self._get_bool_param("EnableTerminationProtection")
    return ActionResult({"StackId": stack.stack_id})


_original_delete_stack = cfn_responses.CloudFormationResponse.delete_stack


def delete_stack(self):
    name = self._get_param("StackName")
    live = [s for s in self.cloudformation_backend.stacks.values() if name in (s.name, s.stack_id)]
    if any(s.enable_termination_protection for s in live):
        raise CfnValidationError(message="Stack [%s] cannot be deleted while TerminationProtection is enabled" % name)
    return _original_delete_stack(self)


cfn_responses.CloudFormationResponse.update_termination_protection = update_termination_protection
cfn_responses.CloudFormationResponse.delete_stack = delete_stack


# Serverless patch S7: moto's API Gateway v2 API makes HTTP APIs, integrations, routes and stages, but its
# CloudFormation models none of AWS::ApiGatewayV2::Api/Integration/Route/Stage, so the api stack's HTTP
# API did not exist (GetApi on the ApiId output failed). Each is made through moto's API Gateway v2 backend
# from the resource's properties; Ref answers the id (the stage: its name), as in AWS. Deleting the API
# deletes its parts; deleting a part of an API already gone does nothing.
def api_part(resource_type, create, delete):
    class ApiPart(CloudFormationModel):
        __module__ = "moto.cloudformation.placeholder"

        def __init__(self, physical_resource_id, api_id, account_id, region_name):
            self.physical_resource_id = physical_resource_id
            self.api_id = api_id
            self.account_id = account_id
            self.region_name = region_name

        @staticmethod
        def cloudformation_name_type():
            return "Name"

        @staticmethod
        def cloudformation_type():
            return resource_type

        @classmethod
        def has_cfn_attr(cls, attr):
            return attr == "ApiEndpoint"

        def get_cfn_attribute(self, attr):
            if attr == "ApiEndpoint":
                return "https://%s.execute-api.%s.amazonaws.com" % (self.api_id, self.region_name)
            raise parsing.UnformattedGetAttTemplateException()

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
            from moto.apigatewayv2.models import apigatewayv2_backends

            backend = apigatewayv2_backends[account_id][region_name]
            physical_id, api_id = create(backend, cloudformation_json["Properties"])
            return cls(physical_id, api_id, account_id, region_name)

        @classmethod
        def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                            account_id, region_name):
            return original_resource

        def delete(self, account_id, region_name):
            from moto.apigatewayv2.models import apigatewayv2_backends

            backend = apigatewayv2_backends[account_id][region_name]
            if self.api_id in backend.apis:
                delete(backend, self)

    ApiPart.__name__ = "ApiPart_" + resource_type.split("::")[-1]
    return ApiPart


def create_http_api(backend, p):
    api = backend.create_api(api_key_selection_expression=None, cors_configuration=p.get("CorsConfiguration"),
                             description=p.get("Description"), disable_schema_validation=None,
                             disable_execute_api_endpoint=p.get("DisableExecuteApiEndpoint"), name=p["Name"],
                             protocol_type=p["ProtocolType"], route_selection_expression=None, tags=p.get("Tags"),
                             version=None)
    return api.api_id, api.api_id


def create_integration(backend, p):
    integration = backend.get_api(p["ApiId"]).create_integration(
        connection_type=p.get("ConnectionType"), description=p.get("Description"),
        integration_method=p.get("IntegrationMethod"), integration_type=p["IntegrationType"],
        integration_uri=p.get("IntegrationUri"), payload_format_version=p.get("PayloadFormatVersion"),
        timeout_in_millis=p.get("TimeoutInMillis"))
    return integration.id, p["ApiId"]


def create_route(backend, p):
    route = backend.get_api(p["ApiId"]).create_route(
        api_key_required=p.get("ApiKeyRequired", False), authorization_scopes=p.get("AuthorizationScopes", []),
        route_key=p["RouteKey"], target=p.get("Target"), authorization_type=p.get("AuthorizationType"))
    return route.route_id, p["ApiId"]


def create_stage(backend, p):
    stage = backend.get_api(p["ApiId"]).create_stage({"stageName": p["StageName"], "autoDeploy": p.get("AutoDeploy"),
                                                      "description": p.get("Description")})
    return stage.name, p["ApiId"]


PLACEHOLDERS.update({
    "AWS::ApiGatewayV2::Api": api_part("AWS::ApiGatewayV2::Api", create_http_api,
                                       lambda backend, part: backend.delete_api(part.api_id)),
    "AWS::ApiGatewayV2::Integration": api_part("AWS::ApiGatewayV2::Integration", create_integration,
                                               lambda backend, part: backend.get_api(part.api_id).delete_integration(
                                                   part.physical_resource_id)),
    "AWS::ApiGatewayV2::Route": api_part("AWS::ApiGatewayV2::Route", create_route,
                                         lambda backend, part: backend.get_api(part.api_id).delete_route(
                                             part.physical_resource_id)),
    "AWS::ApiGatewayV2::Stage": api_part("AWS::ApiGatewayV2::Stage", create_stage,
                                         lambda backend, part: backend.get_api(part.api_id).delete_stage(
                                             part.physical_resource_id)),
})


# Serverless patch S8: moto's AWS::Lambda::Version publishes a version on create but answers no GetAtt Version,
# has no Ref (AWS: the version's ARN) and no update (moto then records the resource as None), and moto's
# CloudFormation has no AWS::Lambda::Alias at all. As in AWS: a changed Version is replaced, which publishes
# again from the function's current code and configuration (Lambda returns the last version when nothing
# changed), and the replaced version is kept (the template retains it); the alias is made, moved and deleted
# through moto's own Lambda API, and Ref answers its ARN.
from moto.awslambda.models import lambda_backends


class ShimLambdaVersion(CloudFormationModel):
    __module__ = "moto.cloudformation.placeholder"

    def __init__(self, function):
        self.version = str(function.version)
        self.physical_resource_id = function.function_arn

    @staticmethod
    def cloudformation_type():
        return "AWS::Lambda::Version"

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr == "Version"

    def get_cfn_attribute(self, attr):
        if attr == "Version":
            return self.version
        raise parsing.UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json["Properties"]
        return cls(lambda_backends[account_id][region_name].publish_version(
            properties["FunctionName"], properties.get("Description", "")))

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                        account_id, region_name):
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        pass


class ShimLambdaAlias(CloudFormationModel):
    __module__ = "moto.cloudformation.placeholder"

    def __init__(self, alias, function_name):
        self.physical_resource_id = alias.arn
        self.name = alias.name
        self.function_name = function_name

    @staticmethod
    def cloudformation_type():
        return "AWS::Lambda::Alias"

    @classmethod
    def has_cfn_attr(cls, attr):
        return False

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        p = cloudformation_json["Properties"]
        alias = lambda_backends[account_id][region_name].create_alias(
            p["Name"], p["FunctionName"], str(p["FunctionVersion"]), p.get("Description", ""), None)
        return cls(alias, p["FunctionName"])

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                        account_id, region_name):
        p = cloudformation_json["Properties"]
        alias = lambda_backends[account_id][region_name].update_alias(
            p["Name"], p["FunctionName"], str(p["FunctionVersion"]), p.get("Description", ""), None)
        return cls(alias, p["FunctionName"])

    def delete(self, account_id, region_name):
        backend = lambda_backends[account_id][region_name]
        try:
            backend.delete_alias(self.name, self.function_name)
        except Exception:
            pass  # the function (and its aliases) already gone


PLACEHOLDERS.update({"AWS::Lambda::Version": ShimLambdaVersion, "AWS::Lambda::Alias": ShimLambdaAlias})


# Serverless patch S9: moto's ExecuteChangeSet updates the resources and parameters but keeps the stack's
# outputs as they were computed before (its UpdateStack recomputes them; ExecuteChangeSet does not), so an
# output that follows a parameter or a replaced resource (the api stack's LiveVersion, PublishedVersion)
# went stale after every change set. Recomputed after execution, as AWS shows them.
_original_execute_change_set = cfn_models.CloudFormationBackend.execute_change_set


def execute_change_set(self, change_set_name, stack_name=None):
    _original_execute_change_set(self, change_set_name, stack_name)
    for change_set in self.change_sets.values():
        if change_set_name in (change_set.change_set_id, change_set.change_set_name):
            change_set.stack._parse_template()
            change_set.stack.output_map = change_set.stack._create_output_map()


cfn_models.CloudFormationBackend.execute_change_set = execute_change_set


# Serverless patch S12: moto's ExecuteChangeSet applies the new parameter values to the resources but keeps the
# stack's own record of its parameters from its creation, and CreateChangeSet compares against that record to
# decide "didn't contain changes": going back to a value the stack was created with (a rollback to the first
# release) was then refused as no change. AWS compares with the parameters of the last update. The record
# follows each executed change set here.
_s9_execute_change_set = cfn_models.CloudFormationBackend.execute_change_set


def execute_change_set_keeping_parameters(self, change_set_name, stack_name=None):
    _s9_execute_change_set(self, change_set_name, stack_name)
    for change_set in self.change_sets.values():
        if change_set_name in (change_set.change_set_id, change_set.change_set_name):
            change_set.stack.parameters = dict(change_set.parameters)


cfn_models.CloudFormationBackend.execute_change_set = execute_change_set_keeping_parameters


# Serverless patch S10: when only parameter values change, moto updates the resources that reference a
# changed parameter, but it finds references through Ref only: a parameter used inside Fn::Sub ("${Name}")
# never updated its resource (the api stack's FunctionVersion, whose description carries the configuration
# digest, so no new version was published). AWS resolves both. Sub's ${Name} references count as well here.
import re as _re

_original_references = parsing.get_references_from_template


def sub_references(template):
    found = []
    if isinstance(template, dict):
        for key, value in template.items():
            text = (value[0] if isinstance(value, list) else value) if key == "Fn::Sub" else None
            if isinstance(text, str):
                found.extend(_re.findall(r"\$\{([A-Za-z0-9]+)\}", text))
            found.extend(sub_references(value))
    elif isinstance(template, list):
        for item in template:
            found.extend(sub_references(item))
    return found


def get_references_from_template(template):
    return _original_references(template) + sub_references(template)


parsing.get_references_from_template = get_references_from_template


# Serverless patch S11: moto publishes a version as a shallow copy of the function, so the version shares
# the function's Code dict, and the next code update (which writes S3Key into that dict) silently changed the
# code of every published version too; in AWS a version's code never changes. The version gets its own copy.
from moto.awslambda import models as lambda_models

_original_publish_version = lambda_models.LambdaStorage.publish_version


def publish_version(self, name_or_arn, description=""):
    version = _original_publish_version(self, name_or_arn, description)
    if version is not None and not getattr(version, "tierlift_own_code", False):
        version.code = dict(version.code)
        version.tierlift_own_code = True
    return version


lambda_models.LambdaStorage.publish_version = publish_version


# Patch 10: moto has no SignalResource (NotImplementedError, HTTP 500), which the aws-iaas instances' boot
# script calls to tell CloudFormation how their boot went; and moto completes a stack at once, without
# waiting for signals. The call is checked as AWS checks it (the status is SUCCESS or FAILURE; the stack
# and the logical resource exist, else ValidationError) and recorded the way AWS shows a received signal:
# an event of that resource, "Received SUCCESS signal with UniqueId i-...", in DescribeStackEvents.
from moto.cloudformation.models import Event as CfnEvent
from moto.core.responses import EmptyResult


def signal_resource(self):
    stack_name = self._get_param("StackName")
    logical_id = self._get_param("LogicalResourceId")
    unique_id = self._get_param("UniqueId")
    status = self._get_param("Status")
    if status not in ("SUCCESS", "FAILURE"):
        raise CfnValidationError(message="1 validation error detected: Value '%s' at 'status' failed to satisfy "
                                         "constraint: Member must satisfy enum value set: [SUCCESS, FAILURE]" % status)
    stack, resource = self.cloudformation_backend.describe_stack_resource(stack_name, logical_id)
    action = "UPDATE" if stack.status.startswith("UPDATE") else "CREATE"
    stack.events.append(CfnEvent(
        stack_id=stack.stack_id, stack_name=stack.name, logical_resource_id=logical_id,
        physical_resource_id=resource.physical_resource_id, resource_type=type(resource).cloudformation_type(),
        resource_status=action + "_IN_PROGRESS",
        resource_status_reason="Received %s signal with UniqueId %s" % (status, unique_id), resource_properties=None))
    return EmptyResult()


cfn_responses.CloudFormationResponse.signal_resource = signal_resource



# Patch 12: point-in-time restore through CloudFormation. moto gives every RDS instance the same DbiResourceId
# (a constant), where AWS gives each its own, by which a restore names its source: each instance gets its own.
# moto's AWS::RDS::DBInstance has no update at all (a stack update recorded the resource as None). As in AWS, an
# instance whose SourceDbiResourceId/RestoreTime changed is replaced by a new instance restored from the source
# (the source's engine, database, master user and encryption; the template's class, subnet group, parameter group,
# Multi-AZ and deletion protection; a new managed master secret), and the old instance is left as it is
# (UpdateReplacePolicy Retain). moto keeps no transaction log, so the data is the source's as it is now; the restore
# window is not checked here (tierlift checks it before asking). Any other update keeps the instance, with the
# deletion protection the template says (patch 9).
import random as _random
import string as _string

_original_instance_init = rds.DBInstance.__init__


def instance_init(self, *args, **kwargs):
    _original_instance_init(self, *args, **kwargs)
    self.dbi_resource_id = "db-" + "".join(_random.choice(_string.ascii_uppercase + _string.digits) for _ in range(26))


rds.DBInstance.__init__ = instance_init


def update_instance(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
    properties = cloudformation_json["Properties"]
    cluster = properties.get("DBClusterIdentifier")
    if cluster is not None and cluster != getattr(original_resource, "db_cluster_identifier", None):
        # An Aurora writer whose cluster changed (the cluster was restored) is replaced, as in AWS (its cluster
        # cannot change), and the old one deleted (its UpdateReplacePolicy is Delete).
        rds.rds_backends[account_id][region_name].delete_db_instance(original_resource.db_instance_identifier)
        return rds.DBInstance.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
    wanted = (properties.get("SourceDbiResourceId"), properties.get("RestoreTime"))
    if wanted[0] and wanted != getattr(original_resource, "tierlift_restore", (None, None)):
        return restored_instance(new_resource_name, properties, wanted, account_id, region_name)
    original_resource.deletion_protection = str(properties.get("DeletionProtection", "false")).lower() == "true"
    return original_resource


def restored_instance(new_resource_name, properties, wanted, account_id, region_name):
    backend = rds.rds_backends[account_id][region_name]
    sources = [db for db in backend.databases.values() if db.dbi_resource_id == wanted[0]]
    if not sources:
        raise rds.DBInstanceNotFoundError(wanted[0])
    source = sources[0]
    database = backend.create_db_instance({
        "db_instance_identifier": new_resource_name.replace("_", "-"),
        "engine": source.engine,
        "engine_version": source.engine_version,
        "db_name": source.db_name,
        "master_username": source.master_username,
        "storage_encrypted": source.storage_encrypted,
        "allocated_storage": properties.get("AllocatedStorage") or source.allocated_storage,
        "db_instance_class": properties.get("DBInstanceClass"),
        "multi_az": properties.get("MultiAZ"),
        "db_subnet_group_name": _name_of(properties.get("DBSubnetGroupName")),
        "db_parameter_group_name": _name_of(properties.get("DBParameterGroupName")),
        "port": properties.get("Port", source.port),
        "publicly_accessible": properties.get("PubliclyAccessible"),
        "storage_type": properties.get("StorageType"),
        "backup_retention_period": properties.get("BackupRetentionPeriod"),
        "copy_tags_to_snapshot": properties.get("CopyTagsToSnapshot"),
        "auto_minor_version_upgrade": properties.get("AutoMinorVersionUpgrade"),
        "tags": properties.get("Tags"),
    })
    database.deletion_protection = str(properties.get("DeletionProtection", "false")).lower() == "true"
    if str(properties.get("ManageMasterUserPassword", "false")).lower() == "true":
        database.master_user_secret = rds.MasterUserSecret(database, None)
        database.manage_master_user_password = True
    database.tierlift_restore = wanted
    return database


rds.DBInstance.update_from_cloudformation_json = classmethod(update_instance)


# Patch 13: as patch 12 for Aurora. A cluster whose SourceDBClusterIdentifier/RestoreToTime changed is replaced, as
# in AWS, by a new cluster restored from the source (the source's engine, database, master user and encryption; the
# template's subnet group, parameter group, capacity and deletion protection; a new managed master secret), and the
# old cluster is left as it is (UpdateReplacePolicy Retain).
def restored_cluster(new_resource_name, properties, wanted, account_id, region_name):
    from moto.core.parse import XFormedDict

    backend = rds.rds_backends[account_id][region_name]
    source = backend.describe_db_clusters(db_cluster_identifier=wanted[0])[0]
    created = {key: value for key, value in properties.items() if key not in ("SourceDBClusterIdentifier", "RestoreToTime")}
    for key in ("DBSubnetGroupName", "DBClusterParameterGroupName"):
        created[key] = _name_of(created.get(key))
    if created.get("ServerlessV2ScalingConfiguration") is not None:
        created["ServerlessV2ScalingConfiguration"] = XFormedDict(created["ServerlessV2ScalingConfiguration"])
    created.update({"DBClusterIdentifier": new_resource_name, "Engine": source.engine, "DatabaseName": source.database_name,
                    "MasterUsername": source.master_username, "StorageEncrypted": source.storage_encrypted})
    cluster = backend.create_db_cluster(XFormedDict(created))
    cluster.tierlift_restore = wanted
    return cluster


# Patch 13, continued: moto updates a resource only when its own template text or a parameter it names changed,
# not when a resource it Refs was replaced, so the Aurora writer (DBClusterIdentifier: Ref of the cluster) stayed in
# the old cluster. As in AWS, after a stack update every DB instance whose cluster Ref now resolves to another
# cluster is updated too, which replaces it (patch 12).
_original_resource_map_update = parsing.ResourceMap.update


def resource_map_update(self, template, parameters=None):
    _original_resource_map_update(self, template, parameters)
    for logical_id, resource_json in self._resource_json_map.items():
        resource = self._parsed_resources.get(logical_id)
        cluster_ref = (resource_json.get("Properties") or {}).get("DBClusterIdentifier")
        if resource_json.get("Type") != "AWS::RDS::DBInstance" or cluster_ref is None or resource is None:
            continue
        if parsing.clean_json(cluster_ref, self) != getattr(resource, "db_cluster_identifier", None):
            self._parsed_resources[logical_id] = parsing.parse_and_update_resource(
                logical_id, resource_json, self, account_id=self._account_id, region_name=self._region_name)


parsing.ResourceMap.update = resource_map_update

# Observation, not a gap: every move of a Lambda alias, by the API (UpdateAlias) or by a stack (the alias
# above), is written to the log as "tierlift-shim alias FUNCTION NAME -> VERSION", so a test can read the
# versions an alias pointed at in order, not only where it ends.
from moto.awslambda.models import LambdaBackend

_original_create_alias = LambdaBackend.create_alias
_original_update_alias = LambdaBackend.update_alias


def _observe_alias(alias, function_name):
    print("tierlift-shim alias %s %s -> %s" % (function_name.split(":")[-1], alias.name, alias.function_version), flush=True)
    return alias


def observed_create_alias(self, name, function_name, function_version, description, routing_config):
    return _observe_alias(_original_create_alias(self, name, function_name, function_version, description, routing_config),
                          function_name)


def observed_update_alias(self, name, function_name, function_version, description, routing_config):
    return _observe_alias(_original_update_alias(self, name, function_name, function_version, description, routing_config),
                          function_name)


LambdaBackend.create_alias = observed_create_alias
LambdaBackend.update_alias = observed_update_alias

if __name__ == "__main__":
    from moto.server import main
    sys.exit(main(sys.argv[1:]))
