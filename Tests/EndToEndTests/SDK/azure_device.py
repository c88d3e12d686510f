"""A device written with Azure's own SDK (azure-iot-device), against tedge-cloud-sim.

Usage: azure_device.py PORT DEVICE_ID CERT KEY CA
Prints one line per step and per cloud-to-device event, flushed, for the test to read:
  connected / sent / twin <json> / patched / twin <json> / ready,
  then desired <json>, c2d <payload>, method <name> <json> as they arrive. Runs until killed.
"""
import json
import sys
import time

import paho.mqtt.client as paho

port, device_id, cert, key, ca = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]

# The SDK always dials 8883 (azure/iot/device/common/mqtt_transport.py passes port=8883 to paho and
# offers no option); the simulator runs on a free port, so paho's connect gets that port instead.
_paho_connect = paho.Client.connect


def _connect_to_simulator(self, host, port_ignored=8883, keepalive=60, *args, **kwargs):
    kwargs.pop("port", None)
    return _paho_connect(self, host, int(port), keepalive, *args, **kwargs)


paho.Client.connect = _connect_to_simulator

from azure.iot.device import IoTHubDeviceClient, Message, MethodResponse, X509  # noqa: E402


def say(*parts):
    print(*parts, flush=True)


client = IoTHubDeviceClient.create_from_x509_certificate(
    x509=X509(cert_file=cert, key_file=key),
    hostname="localhost",
    device_id=device_id,
    server_verification_cert=open(ca).read(),
    connection_retry=False,
)
client.connect()
say("connected")

message = Message(json.dumps({"temperature": 21.5}), content_encoding="utf-8", content_type="application/json")
message.custom_properties["source"] = "sdk test"
message.custom_properties["k"] = "v"
client.send_message(message)
say("sent")

say("twin", json.dumps(client.get_twin(), sort_keys=True))
client.patch_twin_reported_properties({"firmware": "1.2.3"})
say("patched")
say("twin", json.dumps(client.get_twin(), sort_keys=True))


def on_desired(patch):
    say("desired", json.dumps(patch, sort_keys=True))


def on_message(received):
    say("c2d", received.data.decode("utf-8"))


def on_method(request):
    say("method", request.name, json.dumps(request.payload, sort_keys=True))
    response = {"method": request.name, "echo": request.payload}
    client.send_method_response(MethodResponse.create_from_method_request(request, 201, response))


client.on_twin_desired_properties_patch_received = on_desired
client.on_message_received = on_message
client.on_method_request_received = on_method
# Handlers subscribe lazily; give the subscriptions a moment before saying so.
time.sleep(1)
say("ready")
while True:
    time.sleep(1)
