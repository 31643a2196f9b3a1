// Original file: proto/kubelet/podresources/v1/pod_resources.proto


/**
 * No fields.
 */
export interface ListPodResourcesRequest {
}

/**
 * No fields.
 */
export interface ListPodResourcesRequest__Output {
}
