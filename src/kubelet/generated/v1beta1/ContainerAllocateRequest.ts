// Original file: proto/kubelet/deviceplugin/v1beta1/device_plugin.proto


export interface ContainerAllocateRequest {
  'devicesIds'?: (string)[];
}

export interface ContainerAllocateRequest__Output {
  'devicesIds': (string)[];
}
