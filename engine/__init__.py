"""theodoi: Quy chế 35/2015/QĐ-UBND run as BPMN processes."""
