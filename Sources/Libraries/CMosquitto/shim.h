#ifndef TEDGE_CMOSQUITTO_SHIM_H
#define TEDGE_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#endif
