// Original file: proto/kubelet/deviceplugin/v1beta1/device_plugin.proto

import type { DevicePluginOptions as _v1beta1_DevicePluginOptions, DevicePluginOptions__Output as _v1beta1_DevicePluginOptions__Output } from '../v1beta1/DevicePluginOptions.js';

export interface RegisterRequest {
  /**
   * The API version the plugin speaks: "v1beta1".
   */
  'version'?: (string);
  /**
   * File name of the plugin's socket, relative to kubelet's device plugin directory.
   */
  'endpoint'?: (string);
  /**
   * The extended resource name, e.g. "eni-agent.io/ena-dpdk".
   */
  'resourceName'?: (string);
  /**
   * Options; current kubelets ask GetDevicePluginOptions instead.
   */
  'options'?: (_v1beta1_DevicePluginOptions | null);
}

export interface RegisterRequest__Output {
  /**
   * The API version the plugin speaks: "v1beta1".
   */
  'version': (string);
  /**
   * File name of the plugin's socket, relative to kubelet's device plugin directory.
   */
  'endpoint': (string);
  /**
   * The extended resource name, e.g. "eni-agent.io/ena-dpdk".
   */
  'resourceName': (string);
  /**
   * Options; current kubelets ask GetDevicePluginOptions instead.
   */
  'options': (_v1beta1_DevicePluginOptions__Output | null);
}
