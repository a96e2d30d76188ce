# moto_server with the CloudFormation gaps the aws-iaas templates hit filled in (test use only):
# MasterUserSecret.SecretArn / string Endpoint.Port on DBInstance, a DBParameterGroup Ref passed as a name,
# and placeholder records for WAFv2 WebACL and CloudFront Distribution/Function/OriginAccessControl.
import sys
from moto.rds import models as rds
_has = rds.DBInstance.has_cfn_attr.__func__
_get = rds.DBInstance.get_cfn_attribute
def has_cfn_attr(cls, attr):
    return attr == "MasterUserSecret.SecretArn" or _has(cls, attr)
def get_cfn_attribute(self, attr):
    if attr == "MasterUserSecret.SecretArn":
        return "arn:aws:secretsmanager:%s:%s:secret:rds!db-%s" % (self.region_name, self.account_id, self.db_instance_identifier)
    if attr == "Endpoint.Port":
        return str(self.port)
    return _get(self, attr)
rds.DBInstance.has_cfn_attr = classmethod(has_cfn_attr)
rds.DBInstance.get_cfn_attribute = get_cfn_attribute
_create = rds.DBInstance.create_from_cloudformation_json.__func__
def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    # moto hands the parameter group object, not its name, to a DBInstance that Refs it
    properties = cloudformation_json["Properties"]
    group = properties.get("DBParameterGroupName")
    if group is not None and not isinstance(group, str):
        properties["DBParameterGroupName"] = group.name
    return _create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
rds.DBInstance.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)
import uuid
from moto.core.common_models import CloudFormationModel
from moto.cloudformation import parsing

def placeholder(resource_type):
    """A resource moto's CloudFormation does not know: recorded with an id, any attribute answered."""
    class Placeholder(CloudFormationModel):
        __module__ = "moto.cloudformation.placeholder"
        def __init__(self, name, account_id, region_name):
            self.physical_resource_id = "tl" + uuid.uuid4().hex[:12].upper()
            self.arn = "arn:aws:placeholder:%s:%s:%s/%s" % (region_name, account_id, resource_type, self.physical_resource_id)
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
            if attr in ("Id",):
                return self.physical_resource_id
            return self.arn
        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
            return cls(resource_name, account_id, region_name)
        @classmethod
        def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
            return original_resource
        @classmethod
        def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
            pass
    Placeholder.__module__ = "moto.cloudformation.placeholder"
    Placeholder.__name__ = "Placeholder_" + resource_type.replace("::", "_")
    return Placeholder

PLACEHOLDERS = {t: placeholder(t) for t in ["AWS::WAFv2::WebACL", "AWS::CloudFront::Distribution",
                                            "AWS::CloudFront::Function", "AWS::CloudFront::OriginAccessControl"]}
_resource_class = parsing.resource_class_from_type
def resource_class_from_type(resource_type):
    return PLACEHOLDERS.get(resource_type) or _resource_class(resource_type)
parsing.resource_class_from_type = resource_class_from_type
from moto.server import main
sys.exit(main(sys.argv[1:]))
