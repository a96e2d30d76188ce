# moto_server for the aws-iaas end-to-end test, with the gaps of moto 5.2's CloudFormation that the
# aws-iaas templates hit filled in memory. Test harness for an emulator only: the real templates are
# never changed to please moto. Each patch below says what moto does and why it is patched.
#
# Usage: python3 moto_iaas_shim.py -H 127.0.0.1 -p PORT   (the same arguments as moto_server)
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


# Patch 5: moto's CloudFormation does not know AWS::WAFv2::WebACL or the CloudFront resources (creating
# a stack with an unknown type fails on the first Ref/GetAtt to it). They are recorded as placeholders
# with an id, so the static and waf stacks deploy; nothing is served from them and the test asserts
# nothing about them beyond the stack completing.
def placeholder(resource_type):
    class Placeholder(CloudFormationModel):
        # moto's model metaclass registers a model under the service named in its module path.
        __module__ = "moto.cloudformation.placeholder"

        def __init__(self, account_id, region_name):
            self.physical_resource_id = "tl" + uuid.uuid4().hex[:12].upper()
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
            if attr == "DomainName":
                return self.physical_resource_id.lower() + ".cloudfront.net"
            if attr == "Id":
                return self.physical_resource_id
            return self.arn

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
            return cls(account_id, region_name)

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


PLACEHOLDERS = {t: placeholder(t) for t in ["AWS::WAFv2::WebACL", "AWS::CloudFront::Distribution",
                                            "AWS::CloudFront::Function", "AWS::CloudFront::OriginAccessControl"]}
_original_resource_class = parsing.resource_class_from_type


def resource_class_from_type(resource_type):
    return PLACEHOLDERS.get(resource_type) or _original_resource_class(resource_type)


parsing.resource_class_from_type = resource_class_from_type

# Serverless patch S1: moto's CloudFormation does not know AWS::RDS::DBProxy or its target group (the data
# stack of aws-serverless). Placeholders as in patch 5: the stack completes; the test asserts nothing about
# the proxy itself.
PLACEHOLDERS.update({t: placeholder(t) for t in ["AWS::RDS::DBProxy", "AWS::RDS::DBProxyTargetGroup"]})

if __name__ == "__main__":
    from moto.server import main
    sys.exit(main(sys.argv[1:]))
