console.log("klog cli: not built yet");
